FROM boxtrace-test/busybox:latest
RUN echo one && sleep 0.3
RUN true
