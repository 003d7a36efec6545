#include "catalog.h"
#include "cinema/serve.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::catalog::router(), argc, argv);
}
