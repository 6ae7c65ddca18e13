// The processor ran (TinyNetModel.java was generated) and the test trained the network.
File generated = new File(basedir, 'target/generated-sources/annotations/com/example/tiny/TinyNetModel.java')
assert generated.isFile() : "no generated ${generated}"
String log = new File(basedir, 'build.log').text
assert log.contains('Tests run: 2, Failures: 0, Errors: 0, Skipped: 0') : 'TinyNetTest did not run and pass'
assert log =~ /TinyNet: loss [\d.]+ -> [\d.]+, accuracy [\d.]+%/
return true
