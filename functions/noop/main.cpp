#include "cinema/serve.h"
#include "noop.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::noop::router(), argc, argv);
}
