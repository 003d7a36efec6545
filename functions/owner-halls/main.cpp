#include "cinema/serve.h"
#include "owner-halls.h"

int main() {
  return cinema::serve(cinema::owner_halls::handle);
}
