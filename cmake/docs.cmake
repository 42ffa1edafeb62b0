# `cmake --build BUILD --target docs` (make docs): the API reference from the public headers,
# HTML in BUILD/docs/html. The same Doxyfile treats warnings as errors, so an undocumented
# export fails the target (and the docs.api_reference test).
find_package(Doxygen QUIET)
set(CQ_DOCS_OUT ${CMAKE_BINARY_DIR}/docs)
configure_file(${PROJECT_SOURCE_DIR}/docs/Doxyfile.in ${CMAKE_BINARY_DIR}/Doxyfile @ONLY)
if(DOXYGEN_FOUND)
  add_custom_target(docs
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CQ_DOCS_OUT}
    COMMAND Doxygen::doxygen ${CMAKE_BINARY_DIR}/Doxyfile
    COMMAND ${CMAKE_COMMAND} -E echo "API reference: ${CQ_DOCS_OUT}/html/index.html"
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    VERBATIM)
else()
  add_custom_target(docs
    COMMAND ${CMAKE_COMMAND} -E echo "docs: doxygen not found (Debian: apt install doxygen)"
    COMMAND false)
endif()
