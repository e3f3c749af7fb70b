FROM boxtrace-test/busybox:latest
RUN echo step1 && sleep 0.3
RUN true
