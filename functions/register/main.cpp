#include "cinema/serve.h"
#include "register.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::registration::router(), argc, argv);
}
