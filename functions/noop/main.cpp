#include "cinema/serve.h"
#include "noop.h"

int main() {
  return cinema::serve(cinema::noop::handle);
}
