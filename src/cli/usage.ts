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

SERVING (calls the module's HTTP#handle for each request):
   --http-server-addr <HOST:PORT>
      Serve HTTP on this address (port 0: any free port). Each instance
      runs _start first, then serves

   --http-server-path <PREFIX>
      Serve only this path, as Go's ServeMux reads it: / (default) is
      everything, /app/ the subtree under it, /app that path alone

   --workers <N>
      Guest instances, each in its own thread (default: one per core,
      less the one the I/O thread uses)

   --queue <N>
      Requests that may wait for a busy instance (default 128); past it,
      503 with Retry-After

   --handler-timeout <DURATION>
      Longest one request may run in the guest (default 30s); then 504
      and the instance is replaced

   --memory-limit <SIZE>
      Linear memory each instance may grow to (default 256M); reaching it
      is treated like a trap

   --max-request-body <SIZE>
      Largest request body accepted (default 1G); past it, 413

   --header-timeout <DURATION>
      A client must send its request head within this (default 10s)

   --request-timeout <DURATION>
      A client must send its whole request within this (default 5m)

   --shutdown-grace <DURATION>
      On SIGINT or SIGTERM, how long running requests may finish
      (default 10s)

   --quiet
      No access log (one line per request on stderr)

   -v, --version
      Print the version and exit

   -h, --help
      Show this usage information
`;
