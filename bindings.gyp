# The nodetorch addon for node-gyp users: the same sources and settings as CMakeLists.txt.
# Named bindings.gyp (with the s) so that `npm install` never triggers node-gyp; build it with
#   cp bindings.gyp binding.gyp && npx node-gyp rebuild
# LibTorch is found by scripts/find-libtorch.cjs, as for cmake-js.
{
  "targets": [
    {
      "target_name": "nodetorch",
      "sources": [
        "<!@(node -p \"['core','binding'].flatMap(d => require('fs').readdirSync('native/' + d).filter(f => f.endsWith('.cpp')).map(f => 'native/' + d + '/' + f)).join(' ')\")"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native",
        "<!@(node scripts/find-libtorch.cjs --include-dirs)"
      ],
      "defines": [
        "NAPI_EXPERIMENTAL",
        "NAPI_VERSION=2147483647",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
        "_GLIBCXX_USE_CXX11_ABI=<!(node scripts/find-libtorch.cjs --cxx-abi)"
      ],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-Wno-unused-parameter"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "libraries": [
        "-L<!(node scripts/find-libtorch.cjs --lib-dir)",
        "-Wl,-rpath,<!(node scripts/find-libtorch.cjs --lib-dir)",
        "-ltorch",
        "-ltorch_cpu",
        "-lc10",
        "-ldl"
      ]
    }
  ]
}
