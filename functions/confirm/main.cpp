#include "cinema/serve.h"
#include "confirm.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::confirm::router(), argc, argv);
}
