/** `wasirun --help`: wasi-go's layout, with the flags this host adds. */
export const USAGE = `wasirun - Run a WebAssembly module, with wasi-http v1 on Node.js

USAGE:
   wasirun [OPTIONS]... <MODULE> [--] [ARGS]...

ARGS:
   <MODULE>
      The path of the WebAssembly module to run

   [ARGS]...
      Arguments to pass to the module

OPTIONS:
   --dir <DIR>
      Grant access to the specified host directory (repeatable); the
      guest sees it at the same path

   --env-inherit
      Inherits all environment variables from the calling process

   --env <NAME=VAL>
      Pass an environment variable to the module (repeatable). Overrides
      any inherited environment variables from --env-inherit

   --http <MODE>
      Enable wasi-http support: auto (default: when the module imports
      wasi-http v1 or exports HTTP#handle), v1 or none

   --body-buffer-limit <SIZE>
      Most bytes of a body the guest writes before it is sent (default 64M);
      a write past it returns the stream's error

   --trace
      Print one line per wasi-http call, with arguments and result, on stderr

   -v, --version
      Print the version and exit

   -h, --help
      Show this usage information
`;
