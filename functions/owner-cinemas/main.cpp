#include "cinema/serve.h"
#include "owner-cinemas.h"

int main() {
  return cinema::serve(cinema::owner_cinemas::handle);
}
