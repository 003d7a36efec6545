#include "admin-users.h"
#include "cinema/serve.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::admin_users::router(), argc, argv);
}
