#include "cinema/serve.h"
#include "logout.h"

int main() {
  return cinema::serve(cinema::logout::handle);
}
