# rope_add_kernel(<target> <ir-file> CPU <cpu> [FEATURES <+f,-g>]
#                 [OPTIONS "<rope-cpu-pipeline options>"])
#
# Compiles the public functions of <ir-file> ahead of time with rope-aot for
# <cpu> (never the build host unless CPU is host) into a static library
# <target> whose include directory holds <target>.h, the kernels' C ABI
# (docs/aot.md). Link it like any library:
#   rope_add_kernel(llama_rope llama.mlir CPU x86-64-v3 OPTIONS "parallel=false")
#   target_link_libraries(my-app PRIVATE llama_rope)
function(rope_add_kernel target ir)
  cmake_parse_arguments(ARG "" "CPU;FEATURES;OPTIONS" "" ${ARGN})
  if(NOT ARG_CPU)
    message(FATAL_ERROR "rope_add_kernel(${target}): CPU is required")
  endif()
  if(NOT IS_ABSOLUTE "${ir}")
    set(ir "${CMAKE_CURRENT_SOURCE_DIR}/${ir}")
  endif()
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/${target}")
  set(obj "${dir}/${target}.o")
  set(header "${dir}/${target}.h")
  set(args "${ir}" "--cpu=${ARG_CPU}" -o "${obj}" "--header=${header}")
  if(ARG_FEATURES)
    list(APPEND args "--cpu-features=${ARG_FEATURES}")
  endif()
  if(ARG_OPTIONS)
    list(APPEND args "--pipeline-options=${ARG_OPTIONS}")
  endif()
  add_custom_command(OUTPUT "${obj}" "${header}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}"
    COMMAND "${RopeMLIR_TOOLS_DIR}/rope-aot" ${args}
    DEPENDS "${ir}" "${RopeMLIR_TOOLS_DIR}/rope-aot"
    COMMENT "rope-aot ${target} (${ARG_CPU})" VERBATIM)
  set_source_files_properties("${obj}" PROPERTIES EXTERNAL_OBJECT TRUE
                              GENERATED TRUE)
  add_library(${target} STATIC "${obj}" "${header}")
  set_target_properties(${target} PROPERTIES LINKER_LANGUAGE C)
  target_include_directories(${target} INTERFACE "${dir}")
  if(NOT ARG_OPTIONS MATCHES "parallel=(false|0)")
    find_package(OpenMP REQUIRED COMPONENTS C)
    target_link_libraries(${target} INTERFACE OpenMP::OpenMP_C)
  endif()
endfunction()
