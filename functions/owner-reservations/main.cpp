#include "cinema/serve.h"
#include "owner-reservations.h"

int main() {
  return cinema::serve(cinema::owner_reservations::handle);
}
