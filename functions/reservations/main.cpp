#include "cinema/serve.h"
#include "reservations.h"

int main() {
  return cinema::serve(cinema::reservations::handle);
}
