// The processor ran (TinyNetModel.java was generated) and the test trained the network.
File generated = new File(basedir, 'target/generated-sources/annotations/com/example/tiny/TinyNetModel.java')
assert generated.isFile() : "no generated ${generated}"
String log = new File(basedir, 'build.log').text
assert log.contains('Tests run: 2, Failures: 0, Errors: 0, Skipped: 0') : 'TinyNetTest did not run and pass'
assert log =~ /TinyNet: loss [\d.]+ -> [\d.]+, accuracy [\d.]+%/

// The user's own network on Netwright's command line, as the README shows it:
// java -cp target/trains-a-network-1.0.jar:netwright-samples.jar dev.netwright.samples.Main ...
File jar = new File(basedir, 'target/trains-a-network-1.0.jar')
assert jar.isFile() : "no ${jar}"
File cli = new File(samplesJar)
assert cli.isFile() : "no ${cli}: package the samples first"

// IDX files of bars: class 0 horizontal, class 1 vertical, as TinyNetTest draws them.
def writeIdx = { File dir, String split, int count, int size ->
  dir.mkdirs()
  def random = new Random(split.hashCode())
  def images = new DataOutputStream(new FileOutputStream(new File(dir, "${split}-images-idx3-ubyte")))
  def labels = new DataOutputStream(new FileOutputStream(new File(dir, "${split}-labels-idx1-ubyte")))
  images.writeInt(0x803); images.writeInt(count); images.writeInt(size); images.writeInt(size)
  labels.writeInt(0x801); labels.writeInt(count)
  count.times {
    int label = random.nextInt(2)
    int line = random.nextInt(size)
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        images.write((label == 0 ? y : x) == line ? 255 : 0)
      }
    }
    labels.write(label)
  }
  images.close(); labels.close()
}
File bars = new File(basedir, 'target/bars')
writeIdx(bars, 'train', 512, 8)
writeIdx(bars, 't10k', 128, 8)
File small = new File(basedir, 'target/small-bars')
writeIdx(small, 'train', 16, 6)
writeIdx(small, 't10k', 16, 6)

def run = { List<String> args ->
  String java = new File(System.getProperty('java.home'), 'bin/java').path
  def command = [java, '-cp', jar.path + File.pathSeparator + cli.path, 'dev.netwright.samples.Main'] + args
  def process = new ProcessBuilder(command).directory(basedir).redirectErrorStream(true).start()
  String output = process.inputStream.text
  assert process.waitFor(5, java.util.concurrent.TimeUnit.MINUTES) : "${args} did not finish"
  println "\$ netwright ${args.join(' ')}\n${output}"
  [process.exitValue(), output]
}

def (status, out) = run(['train', '--network', 'com.example.tiny.TinyNet', '--data', bars.path, '--epochs', '3',
    '--batch-size', '16', '--lr', '0.1', '--quiet', '--checkpoint-dir', 'target/run'])
assert status == 0 : out
def accuracy = (out =~ /TinyNet: test accuracy ([\d.]+)% after 3 epochs/)
assert accuracy.find() : out
assert Double.parseDouble(accuracy.group(1)) > 90 : out

(status, out) = run(['export', '--network', 'com.example.tiny.TinyNetModel', '--checkpoint', 'target/run/last.ckpt',
    '--format', 'onnx', '--output', 'target/tinynet.onnx'])
assert status == 0 : out
assert out.contains('TinyNet: wrote target/tinynet.onnx (ONNX IR 8, opset 17') : out
assert new File(basedir, 'target/tinynet.onnx').length() > 0

// Data of another shape is refused before training starts, naming both shapes.
(status, out) = run(['train', '--network', 'com.example.tiny.TinyNet', '--data', small.path, '--quiet'])
assert status == 1 : out
assert out.contains('error: TinyNet takes [1, 8, 8] images (channels, height, width) but ' + small.path
    + ' holds [1, 6, 6] images') : out
return true
