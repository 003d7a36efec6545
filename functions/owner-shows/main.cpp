#include "cinema/serve.h"
#include "owner-shows.h"

int main() {
  return cinema::serve(cinema::owner_shows::handle);
}
