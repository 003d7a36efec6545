#include "cinema/serve.h"
#include "health.h"

int main() {
  return cinema::serve(cinema::health::handle);
}
