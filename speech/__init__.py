"""Speech and audio with no project imports, like qr/ and map/: text normalised for speaking, offline
synthesis with eSpeak NG, and MP3 encoding and bounded decoding of recordings. Bytes and arrays in and out."""
