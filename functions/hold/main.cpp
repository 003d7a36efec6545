#include "cinema/serve.h"
#include "hold.h"

int main() {
  return cinema::serve(cinema::hold::handle);
}
