#include "cinema/serve.h"
#include "refresh.h"

int main() {
  return cinema::serve(cinema::refresh::handle);
}
