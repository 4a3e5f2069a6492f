"""nbgrader configuration of the course directory ``assignments/`` (run nbgrader from here).

Layout (nbgrader's defaults): ``source/<assignment>/<assignment>.ipynb`` are the instructor
versions (solutions and hidden tests); ``make assignments`` writes the student versions to
``release/<assignment>/``; students' work goes to ``submitted/<student>/<assignment>/`` and
``nbgrader autograde <assignment>`` grades it into ``autograded/`` and ``gradebook.db``.
"""
c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "dynamics-of-learning"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# Every assignment runs in a few seconds; the limit only guards against an endless loop.
c.Execute.timeout = 300
