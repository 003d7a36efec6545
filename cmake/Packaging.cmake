# Debian packages, one per function, so that a host takes (and upgrades) one
# function at a time: `make package` (scripts/package) writes them to
# build/packages/. Every package has the project's version and no file belongs
# to two packages.
#
#   cinema-fn-<name>  /opt/cinema/bin/<name>, its route table
#                     /opt/cinema/routes/<name>.routes and its supervisord
#                     program /opt/cinema/etc/supervisor.d/<name>.conf
#                     (numprocs from infra/functions.conf)
#   cinema-worker     /opt/cinema/bin/worker, /etc/cron.d/cinema-worker
#   cinema-common     what they share: the supervisord config and its systemd
#                     unit, the `cinema` user, migrations and cinema-migrate,
#                     cinema-routes, the nginx pieces; a file trigger on
#                     /opt/cinema/routes renders /var/lib/cinema/nginx/ from
#                     the route tables present (cmake/deb/common.postinst).
#
# Paths below are relative to the packages' root ("/").

get_property(cinema_routed GLOBAL PROPERTY CINEMA_ROUTED_FUNCTIONS)
set(deb_dir ${PROJECT_SOURCE_DIR}/cmake/deb)
set(staging ${CMAKE_BINARY_DIR}/packaging)
# Function packages need a cinema-common of their own major.minor or later.
set(common_dependency "cinema-common (>= ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})")

# numprocs per function, from infra/functions.conf ("<name> <numprocs> ...").
set(functions_conf ${PROJECT_SOURCE_DIR}/infra/functions.conf)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${functions_conf})
file(STRINGS ${functions_conf} functions_lines REGEX "^[A-Za-z0-9_-]+[ \t]+[0-9]+")
foreach(line IN LISTS functions_lines)
  string(REGEX MATCH "^([A-Za-z0-9_-]+)[ \t]+([0-9]+)" _ "${line}")
  set(numprocs_${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
endforeach()

foreach(name IN LISTS cinema_routed)
  set(component fn-${name})
  string(TOUPPER ${component} COMPONENT)
  if(NOT DEFINED numprocs_${name})
    message(WARNING "${name} is not in infra/functions.conf: its package runs 1 process")
    set(numprocs_${name} 1)
  endif()
  set(NAME ${name})
  set(NUMPROCS ${numprocs_${name}})
  configure_file(${PROJECT_SOURCE_DIR}/infra/supervisor/fcgi-program.conf.in
                 ${staging}/${component}/${name}.conf @ONLY)
  configure_file(${deb_dir}/function.postinst.in ${staging}/${component}/postinst @ONLY)
  configure_file(${deb_dir}/function.postrm.in ${staging}/${component}/postrm @ONLY)

  install(TARGETS ${name} RUNTIME DESTINATION opt/cinema/bin COMPONENT ${component})
  install(FILES ${CMAKE_BINARY_DIR}/routes/${name}.routes
          DESTINATION opt/cinema/routes COMPONENT ${component})
  install(FILES ${staging}/${component}/${name}.conf
          DESTINATION opt/cinema/etc/supervisor.d COMPONENT ${component})

  set(CPACK_COMPONENT_${COMPONENT}_DESCRIPTION
      "Cinema seat reservation: the function ${name}\nThe FastCGI binary ${name}, its route table and its supervisord program.")
  set(CPACK_DEBIAN_${COMPONENT}_PACKAGE_DEPENDS "${common_dependency}")
  set(CPACK_DEBIAN_${COMPONENT}_PACKAGE_CONTROL_EXTRA
      "${staging}/${component}/postinst;${staging}/${component}/postrm")
  list(APPEND cinema_components ${component})
endforeach()

install(TARGETS worker RUNTIME DESTINATION opt/cinema/bin COMPONENT worker)
install(FILES ${PROJECT_SOURCE_DIR}/infra/cron.d/cinema-worker DESTINATION etc/cron.d COMPONENT worker)
set(CPACK_COMPONENT_WORKER_DESCRIPTION
    "Cinema seat reservation: the scheduled worker\nOutbox relay, hold-expiry sweep, waiting-list assignment and notifications, run by cron every minute.")
set(CPACK_DEBIAN_WORKER_PACKAGE_DEPENDS "${common_dependency}")
set(CPACK_DEBIAN_WORKER_PACKAGE_RECOMMENDS "cron | cron-daemon")
configure_file(${deb_dir}/worker.conffiles ${staging}/worker/conffiles COPYONLY)
set(CPACK_DEBIAN_WORKER_PACKAGE_CONTROL_EXTRA "${staging}/worker/conffiles")
list(APPEND cinema_components worker)

# cinema-common. live*.conf are rendered for this layout as scripts/stack
# renders them for a run directory.
foreach(tpl live live-publisher)
  file(READ ${PROJECT_SOURCE_DIR}/nginx/${tpl}.conf.in text)
  string(REPLACE "@RUN_DIR@" "/run/cinema" text "${text}")
  string(REPLACE "@REPO@" "/opt/cinema" text "${text}")
  string(REPLACE "@LIVE_CONNECTIONS_PER_ADDRESS@" "20" text "${text}")
  file(WRITE ${staging}/common/${tpl}.conf "${text}")
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${PROJECT_SOURCE_DIR}/nginx/live.conf.in ${PROJECT_SOURCE_DIR}/nginx/live-publisher.conf.in)
install(FILES ${PROJECT_SOURCE_DIR}/nginx/http.conf ${PROJECT_SOURCE_DIR}/nginx/headers.conf
              ${PROJECT_SOURCE_DIR}/nginx/fastcgi.conf ${PROJECT_SOURCE_DIR}/nginx/problems.conf
              ${staging}/common/live.conf ${staging}/common/live-publisher.conf
        DESTINATION opt/cinema/nginx COMPONENT common)
install(FILES ${PROJECT_SOURCE_DIR}/infra/nginx/cinema-site.conf.example
        DESTINATION opt/cinema/nginx RENAME site.conf.example COMPONENT common)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/nginx/www DESTINATION opt/cinema/nginx COMPONENT common)
install(FILES ${PROJECT_SOURCE_DIR}/infra/supervisor/supervisord.conf
        DESTINATION opt/cinema/etc COMPONENT common)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/migrations/ DESTINATION opt/cinema/migrations
        COMPONENT common FILES_MATCHING PATTERN "*.sql")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/common/adapters/sql/ DESTINATION opt/cinema/routines
        COMPONENT common FILES_MATCHING PATTERN "*.sql")
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/migrate DESTINATION opt/cinema/scripts COMPONENT common)
install(FILES ${PROJECT_SOURCE_DIR}/scripts/lib/common.sh DESTINATION opt/cinema/scripts/lib COMPONENT common)
install(PROGRAMS ${deb_dir}/cinema-migrate DESTINATION usr/sbin COMPONENT common)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/routes DESTINATION usr/sbin RENAME cinema-routes
        COMPONENT common)
install(FILES ${PROJECT_SOURCE_DIR}/infra/systemd/cinema-supervisor.service
        DESTINATION lib/systemd/system COMPONENT common)
install(FILES ${PROJECT_SOURCE_DIR}/infra/tmpfiles.d/cinema.conf DESTINATION usr/lib/tmpfiles.d
        COMPONENT common)
install(FILES ${PROJECT_SOURCE_DIR}/infra/README.md DESTINATION usr/share/doc/cinema-common
        RENAME infra.md COMPONENT common)
install(FILES ${PROJECT_SOURCE_DIR}/.env.example DESTINATION usr/share/doc/cinema-common
        RENAME cinema.env.example COMPONENT common)
set(CPACK_COMPONENT_COMMON_DESCRIPTION
    "Cinema seat reservation: what every host shares\nThe supervisord config and systemd unit the function packages run under,\nthe cinema user, the database migrations (cinema-migrate), cinema-routes and\nthe nginx pieces; renders nginx's routes of the installed functions\nwhenever one comes, changes or goes.")
set(CPACK_DEBIAN_COMMON_PACKAGE_DEPENDS "bash, supervisor")
set(CPACK_DEBIAN_COMMON_PACKAGE_RECOMMENDS "nginx-light | nginx, libnginx-mod-nchan, mariadb-client")
# Control files go in under dpkg's names (postinst, ...).
set(CPACK_DEBIAN_COMMON_PACKAGE_CONTROL_EXTRA)
foreach(control postinst prerm postrm triggers)
  configure_file(${deb_dir}/common.${control} ${staging}/common/${control} COPYONLY)
  list(APPEND CPACK_DEBIAN_COMMON_PACKAGE_CONTROL_EXTRA ${staging}/common/${control})
endforeach()
list(APPEND cinema_components common)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME cinema)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Cinema maintainers <cinema@example.invalid>")
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
set(CPACK_PACKAGING_INSTALL_PREFIX /)
set(CPACK_COMPONENTS_ALL ${cinema_components})
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
