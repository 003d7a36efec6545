#include "cinema/serve.h"
#include "me.h"

int main() {
  return cinema::serve(cinema::me::handle);
}
