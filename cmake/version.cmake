# Regenerates spinhop/version.hpp at every build (not only at configure time), so the binary's
# git SHA is the checkout's, with "-dirty" when it has uncommitted changes. configure_file leaves
# the header untouched when nothing changed, so nothing rebuilds needlessly.
set(SPINHOP_GIT_SHA "unknown")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
                  WORKING_DIRECTORY ${SRC} OUTPUT_VARIABLE sha
                  OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc ERROR_QUIET)
  if(rc EQUAL 0 AND sha)
    set(SPINHOP_GIT_SHA "${sha}")
    execute_process(COMMAND ${GIT_EXECUTABLE} diff --quiet HEAD -- WORKING_DIRECTORY ${SRC}
                    RESULT_VARIABLE dirty ERROR_QUIET)
    if(NOT dirty EQUAL 0)
      set(SPINHOP_GIT_SHA "${sha}-dirty")
    endif()
  endif()
endif()
set(PROJECT_VERSION "${VERSION}")
configure_file(${SRC}/cmake/version.hpp.in ${OUT} @ONLY)
