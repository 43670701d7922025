# The vigil image: nothing but the static /init, for
#   COPY --from=vigil /init /init
# Build the binary first (no Go builder image is needed on this machine):
#   CGO_ENABLED=0 go build -o bin/init ./cmd/init && docker build -t vigil .
FROM scratch
COPY bin/init /init
ENTRYPOINT ["/init"]
