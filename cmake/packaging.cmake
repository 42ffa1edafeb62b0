# Debian packages: `cpack -G DEB` in a build configured with -DCMAKE_INSTALL_PREFIX=/usr makes
#   libcequel      the shared library (libcequel.so.0)
#   libcequel-dev  headers, static library, cequel.pc, the CMake package
#   cequel         the `cequel` command and its man page
# Runtime dependencies come from dpkg-shlibdeps; the -dev package needs the client libraries'
# -dev packages for pkg-config's Requires.private and for static linking.
set(CPACK_PACKAGE_NAME cequel)
set(CPACK_PACKAGE_VENDOR "cequel")
set(CPACK_PACKAGE_CONTACT "cequel maintainers <cequel@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Sequelize v6's model and association system for C")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_COMPONENTS_ALL lib dev cli)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)

set(CPACK_DEBIAN_LIB_PACKAGE_NAME libcequel)
set(CPACK_COMPONENT_LIB_DESCRIPTION
    "Sequelize v6's model and association system for C (shared library)\n\
Models, associations (belongsTo, hasOne, hasMany, belongsToMany), eager loading,\n\
creating with associations and sync, on SQLite, PostgreSQL and MySQL/MariaDB.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libcequel-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_DEV_DEPENDS lib)
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "Sequelize v6's model and association system for C (development files)\n\
Headers, static library, pkg-config file and CMake package of cequel.")
set(_cq_dev_depends "libsqlite3-dev, libjansson-dev")
if(CQ_WITH_POSTGRES)
  string(APPEND _cq_dev_depends ", libpq-dev")
endif()
if(CQ_WITH_MYSQL)
  string(APPEND _cq_dev_depends ", libmariadb-dev")
endif()
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "${_cq_dev_depends}")

set(CPACK_DEBIAN_CLI_PACKAGE_NAME cequel)
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION database)
set(CPACK_COMPONENT_CLI_DESCRIPTION
    "Sequelize v6's model and association system for C (command-line tool)\n\
cequel describes, syncs, diagrams and dumps schemas written as JSON, and runs\n\
scripts of ORM steps against SQLite, PostgreSQL or MySQL/MariaDB.")

include(CPack)
