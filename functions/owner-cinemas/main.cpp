#include "cinema/serve.h"
#include "owner-cinemas.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::owner_cinemas::router(), argc, argv);
}
