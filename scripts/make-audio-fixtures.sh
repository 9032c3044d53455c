#!/bin/sh
# Writes the small audio files that the tests read: 3 seconds of silence as MP3 and as M4A.
# Needs ffmpeg (Debian: apt-get install ffmpeg). The files are committed; run this only to change them.
set -eu
cd "$(dirname "$0")/../test/fixtures/audio"
encode() {
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i anullsrc=r=22050:cl=mono -t 3 \
    -map_metadata -1 -fflags +bitexact -flags:a +bitexact "$@"
}
# Constant bitrate with a LAME/Info header: its duration is in the header.
encode -c:a libmp3lame -b:a 32k silence-3s.mp3
# MP4 with its moov box first, as a podcast host serves it ("fast start").
encode -c:a aac -b:a 32k -movflags +faststart silence-3s.m4a
ls -l silence-3s.mp3 silence-3s.m4a
