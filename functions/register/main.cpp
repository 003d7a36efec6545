#include "cinema/serve.h"
#include "register.h"

int main() {
  return cinema::serve(cinema::registration::handle);
}
