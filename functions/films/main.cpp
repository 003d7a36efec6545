#include "cinema/serve.h"
#include "films.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::films::router(), argc, argv);
}
