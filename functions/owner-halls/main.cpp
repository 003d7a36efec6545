#include "cinema/serve.h"
#include "owner-halls.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::owner_halls::router(), argc, argv);
}
