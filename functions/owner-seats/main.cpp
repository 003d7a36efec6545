#include "cinema/serve.h"
#include "owner-seats.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::owner_seats::router(), argc, argv);
}
