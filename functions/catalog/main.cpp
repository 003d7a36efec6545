#include "catalog.h"
#include "cinema/serve.h"

int main() {
  return cinema::serve(cinema::catalog::handle);
}
