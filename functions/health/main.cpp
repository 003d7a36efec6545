#include "cinema/serve.h"
#include "health.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::health::router(), argc, argv);
}
