#include "cinema/serve.h"
#include "login.h"

int main() {
  return cinema::serve(cinema::login::handle);
}
