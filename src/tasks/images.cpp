// Distorted-image recall (Fig. 6): same-size PBM images stored, one pixel per neuron; trial t
// loads image t mod (images) with exactly round(d * pixels) distinct pixels flipped.
#include <cmath>

#include "spinhop/errors.hpp"
#include "spinhop/physics/outcome.hpp"
#include "spinhop/experiment.hpp"
#include "spinhop/tasks.hpp"
#include "tasks/task_common.hpp"

namespace spinhop {

ImagesTask::ImagesTask(std::vector<Image> images, double distortion)
    : images_(std::move(images)), distortion_(distortion) {
  if (images_.empty()) throw ParameterError("images: at least one --image is needed");
  if (images_.size() > static_cast<std::size_t>(kMaxPatterns)) {
    throw ParameterError("images: at most " + std::to_string(kMaxPatterns) + " images can be stored, got " +
                         std::to_string(images_.size()));
  }
  const Image& first = images_.front();
  for (const Image& im : images_) {
    if (im.width != first.width || im.height != first.height) {
      throw InputError("images differ in size: '" + first.name + "' is " +
                       std::to_string(first.width) + "x" + std::to_string(first.height) + ", '" +
                       im.name + "' is " + std::to_string(im.width) + "x" +
                       std::to_string(im.height) + " (the network has one neuron per pixel)");
    }
  }
  n_ = first.width * first.height;
  check_neurons(n_, "image size");
  if (!(distortion >= 0.0 && distortion <= 1.0)) {
    throw ParameterError("invalid --distortion " + std::to_string(distortion) +
                         ": must be a fraction of the pixels in [0, 1]");
  }
  flips_ = static_cast<int>(std::lround(distortion * n_));
  words_.assign(static_cast<std::size_t>(n_), 0);
  for (std::size_t k = 0; k < images_.size(); ++k) {
    for (int j = 0; j < n_; ++j) {
      if (images_[k].pixels[static_cast<std::size_t>(j)]) words_[static_cast<std::size_t>(j)] |= std::uint64_t{1} << k;
    }
  }
}

TaskSpec ImagesTask::spec(const ModelParams& m) const {
  TaskSpec t;
  t.n = n_;
  t.w = m.w;
  t.groups = static_cast<int>(images_.size());
  t.weights = WeightSource::HebbianStored;
  t.patterns = static_cast<int>(images_.size());
  t.pattern_words = words_.data();
  t.inputs = InputSource::StoredDistorted;
  t.flips = flips_;
  return t;
}

TrialScore ImagesTask::score(const PointSpec& spec, std::uint64_t local,
                             const std::uint64_t* state, const std::uint64_t* undecided) const {
  const int image = group_of_trial(spec.task, local);
  const PatternMatch m =
      best_pattern_match(words_, static_cast<int>(images_.size()), n_, state, undecided, image);
  TrialScore s;
  s.target = image;
  s.bit_accuracy = static_cast<double>(m.matching_bits) / n_;
  s.success = m.matching_bits == n_ ? 1 : 0;
  return s;
}

const TaskKindInfo& images_task_kind() {
  static const TaskKindInfo info{
      "images", "distorted-image recall: PBM images stored, distorted inputs (Fig. 6)",
      [](const ExperimentConfig& c, InputFiles& files) -> std::shared_ptr<const Task> {
        std::vector<std::string> paths = c.images;
        if (paths.empty()) {
          for (const char* l : {"u", "t", "d"}) paths.push_back(data_dir() + "/images/" + l + ".pbm");
        }
        std::vector<Image> images;
        for (const std::string& path : paths) images.push_back(files.image(path));
        return std::make_shared<ImagesTask>(std::move(images), c.distortion);
      }};
  return info;
}

}  // namespace spinhop
