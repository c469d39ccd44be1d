# Common settings for every target of ours: warnings (as errors in CI builds only, so a
# newer compiler never blocks a user) and the optional sanitizers.
option(KINERJA_WERROR "Treat warnings as errors" OFF)

if(KINERJA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# libFuzzer targets (fuzz/README.md): every library gets clang's coverage instrumentation;
# the fuzz targets link libFuzzer itself (fuzz/CMakeLists.txt).
option(KINERJA_FUZZ "Build the libFuzzer targets of fuzz/ (clang only)" OFF)
if(KINERJA_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "KINERJA_FUZZ needs clang (e.g. -DCMAKE_CXX_COMPILER=clang++-14)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

function(kinerja_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
 -Wimplicit-fallthrough)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # librdkafka's rd_kafka_producev() macros are GNU statement expressions.
    target_compile_options(${target} PRIVATE -Wno-gnu-statement-expression)
  endif()
  if(KINERJA_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# kinerja_module(NAME SOURCES... DEPS ...): one static library per module, public headers in
# <module>/include, exported as kinerja::NAME.
function(kinerja_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(kinerja_${name} STATIC ${ARG_SOURCES})
  add_library(kinerja::${name} ALIAS kinerja_${name})
  target_include_directories(kinerja_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                             PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(kinerja_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  kinerja_target_defaults(kinerja_${name})
endfunction()
