#include "cinema/serve.h"
#include "owner-reservations.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::owner_reservations::router(), argc, argv);
}
