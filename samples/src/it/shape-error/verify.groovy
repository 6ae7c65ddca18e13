// The build failed with one error, [netwright/dense-input], on the 64 of inFeatures = 64.
File source = new File(basedir, 'src/main/java/com/example/broken/BrokenNet.java')
List<String> lines = source.readLines('UTF-8')
int line = lines.findIndexOf { it.contains('inFeatures = 64') } + 1
int column = lines[line - 1].indexOf('64') + 1
assert line > 0

String log = new File(basedir, 'build.log').getText('UTF-8')
// maven-compiler-plugin prints "[ERROR] /path/BrokenNet.java:[line,column] message".
def expected = /BrokenNet\.java:\[${line},${column}\] \[netwright\/dense-input\] dense layer in 'fc' declares inFeatures = 64, but its input 'conv' gives \[4, 3, 3\] = 36 features/
assert log =~ expected : "no [netwright/dense-input] error at BrokenNet.java:[${line},${column}] in build.log"
// One root cause, one error; javac's own count line says so.
assert log.contains('1 error') : 'expected exactly one compile error'
assert log.contains('BUILD FAILURE')
assert !new File(basedir, 'target/classes/com/example/broken/BrokenNetModel.class').exists()
return true
