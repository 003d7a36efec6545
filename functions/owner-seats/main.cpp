#include "cinema/serve.h"
#include "owner-seats.h"

int main() {
  return cinema::serve(cinema::owner_seats::handle);
}
