#include "cinema/serve.h"
#include "waitlist.h"

int main() {
  return cinema::serve(cinema::waitlist::handle);
}
