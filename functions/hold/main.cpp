#include "cinema/serve.h"
#include "hold.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::hold::router(), argc, argv);
}
