#include "cancel.h"
#include "cinema/serve.h"

int main() {
  return cinema::serve(cinema::cancel::handle);
}
