# Include rules that keep the physics portable and nvcc clean (checked at configure time):
#  * include/spinhop/physics/*.hpp include only other physics headers and standard headers;
#  * CUDA sources (src/backends/cuda/*.cu, *.cuh) include only physics headers, the CUDA backend's
#    own headers (backends/cuda/...) and spinhop/errors.hpp, and system headers.
function(spinhop_check_includes root)
  file(GLOB physics "${root}/include/spinhop/physics/*.hpp")
  file(GLOB cuda "${root}/src/backends/cuda/*.cu" "${root}/src/backends/cuda/*.cuh")
  set(bad "")
  foreach(f IN LISTS physics cuda)
    file(STRINGS "${f}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*" "\\1" inc "${line}")
      if(f IN_LIST physics)
        if(NOT inc MATCHES "^spinhop/physics/")
          list(APPEND bad "${f}: ${inc}")
        endif()
      elseif(NOT inc MATCHES "^spinhop/physics/" AND NOT inc MATCHES "^backends/cuda/"
             AND NOT inc STREQUAL "spinhop/errors.hpp")
        list(APPEND bad "${f}: ${inc}")
      endif()
    endforeach()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${f}")
  endforeach()
  if(bad)
    list(JOIN bad "\n  " msg)
    message(FATAL_ERROR "include rules broken (cmake/check_includes.cmake):\n  ${msg}")
  endif()
endfunction()
