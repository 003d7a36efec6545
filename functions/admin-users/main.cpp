#include "admin-users.h"
#include "cinema/serve.h"

int main() {
  return cinema::serve(cinema::admin_users::handle);
}
