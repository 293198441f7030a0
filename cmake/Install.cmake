# cmake --install: headers (generated .inc too), the rope libraries as
# exported targets RopeMLIR::*, the tools, the plugin and RopeMLIRConfig.cmake.
include(CMakePackageConfigHelpers)
include(GNUInstallDirs)

set(ROPE_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/RopeMLIR)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/rope
                  ${PROJECT_SOURCE_DIR}/include/rope-c
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY ${PROJECT_BINARY_DIR}/include/rope
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.inc" PATTERN "*.h"
        PATTERN "CMakeFiles" EXCLUDE)

# Every library add_mlir_library made in this project.
get_property(ROPE_LIBRARIES GLOBAL PROPERTY MLIR_ALL_LIBS)
list(FILTER ROPE_LIBRARIES INCLUDE REGEX "^MLIRRope")

# The umbrella target: everything a downstream compiler links.
add_library(RopeMLIR INTERFACE)
target_link_libraries(RopeMLIR INTERFACE ${ROPE_LIBRARIES})
target_include_directories(RopeMLIR INTERFACE
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
  ${MLIR_INCLUDE_DIRS} ${LLVM_INCLUDE_DIRS})
target_compile_definitions(RopeMLIR INTERFACE ${LLVM_DEFINITIONS_LIST})
foreach(lib ${ROPE_LIBRARIES})
  target_include_directories(${lib} INTERFACE
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
endforeach()

install(TARGETS ${ROPE_LIBRARIES} RopeMLIR
  EXPORT RopeMLIRTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT RopeMLIRTargets NAMESPACE RopeMLIR::
        DESTINATION ${ROPE_CMAKE_INSTALL_DIR})

set(ROPE_TOOLS rope-opt rope-run rope-min-opt rope-aot)
foreach(tool ${ROPE_TOOLS})
  if(TARGET ${tool})
    install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()
install(TARGETS RopeMLIRPlugin LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(TARGET rope_cuda_runtime)
  install(TARGETS rope_cuda_runtime LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
endif()
install(FILES ${PROJECT_SOURCE_DIR}/cmake/RopeMLIRKernel.cmake
        DESTINATION ${ROPE_CMAKE_INSTALL_DIR})

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/RopeMLIRConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/RopeMLIRConfig.cmake
  INSTALL_DESTINATION ${ROPE_CMAKE_INSTALL_DIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/RopeMLIRConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/RopeMLIRConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/RopeMLIRConfigVersion.cmake
        DESTINATION ${ROPE_CMAKE_INSTALL_DIR})
