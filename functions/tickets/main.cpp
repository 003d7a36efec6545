#include "cinema/serve.h"
#include "tickets.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::tickets::router(), argc, argv);
}
