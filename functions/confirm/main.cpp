#include "cinema/serve.h"
#include "confirm.h"

int main() {
  return cinema::serve(cinema::confirm::handle);
}
