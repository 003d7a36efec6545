#include "cinema/serve.h"
#include "reservations.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::reservations::router(), argc, argv);
}
