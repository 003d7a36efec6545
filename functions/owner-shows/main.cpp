#include "cinema/serve.h"
#include "owner-shows.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::owner_shows::router(), argc, argv);
}
